import { lazy } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ConsoleLayout } from './components/layout/console-layout';
import { PublicLayout } from './components/layout/public-layout';
import { RouteError } from './components/layout/route-error';
import { GuestOnly, RequireUser, SessionGate } from './components/layout/session-gate';
import { ForgotPasswordPage } from './pages/auth/forgot-password-page';
import { ResetPasswordPage } from './pages/auth/reset-password-page';
import { SignInPage } from './pages/auth/sign-in-page';
import { SignUpPage } from './pages/auth/sign-up-page';
import { VerifyEmailPage } from './pages/auth/verify-email-page';

// The signed-out pages are in the first chunk (most first visits land on one of them);
// the console pages load on demand, and only the ones that draw charts pull the charts chunk.
const OverviewPage = lazy(() => import('./pages/overview-page').then((m) => ({ default: m.OverviewPage })));
const KeysPage = lazy(() => import('./pages/keys-page').then((m) => ({ default: m.KeysPage })));
const UsagePage = lazy(() => import('./pages/usage-page').then((m) => ({ default: m.UsagePage })));
const BuyPage = lazy(() => import('./pages/buy-page').then((m) => ({ default: m.BuyPage })));
const OrdersPage = lazy(() => import('./pages/orders-page').then((m) => ({ default: m.OrdersPage })));
const OrderReturnPage = lazy(() => import('./pages/order-return-page').then((m) => ({ default: m.OrderReturnPage })));
const OrderCancelledPage = lazy(() => import('./pages/order-cancelled-page').then((m) => ({ default: m.OrderCancelledPage })));
const RedeemPage = lazy(() => import('./pages/redeem-page').then((m) => ({ default: m.RedeemPage })));
const QuickStartPage = lazy(() => import('./pages/quick-start-page').then((m) => ({ default: m.QuickStartPage })));
const ApiReferencePage = lazy(() => import('./pages/api-reference-page').then((m) => ({ default: m.ApiReferencePage })));
const AccountPage = lazy(() => import('./pages/account-page').then((m) => ({ default: m.AccountPage })));
const NotFoundPage = lazy(() => import('./pages/not-found-page').then((m) => ({ default: m.NotFoundPage })));

// The Operations pages (staff only): their frame, route table and strings load on demand.
const AdminArea = lazy(() => import('./components/admin/admin-area').then((m) => ({ default: m.AdminArea })));

/** Every route of the console. */
export function createRouter() {
  return createBrowserRouter([
    {
      errorElement: <RouteError />,
      children: [
        {
          element: <PublicLayout />,
          children: [
            // The payment return needs no session: the signed link is its permission.
            { path: 'orders/:orderNo/return', element: <OrderReturnPage /> },
            { path: 'orders/:orderNo/cancelled', element: <OrderCancelledPage /> },
            {
              element: <SessionGate />,
              children: [
                {
                  element: <GuestOnly />,
                  children: [
                    { path: 'sign-in', element: <SignInPage /> },
                    { path: 'sign-up', element: <SignUpPage /> },
                  ],
                },
                { path: 'verify', element: <VerifyEmailPage /> },
                { path: 'forgot-password', element: <ForgotPasswordPage /> },
                { path: 'reset-password', element: <ResetPasswordPage /> },
              ],
            },
          ],
        },
        {
          element: <SessionGate framed />,
          children: [
            {
              element: <RequireUser />,
              children: [
                {
                  element: <ConsoleLayout />,
                  children: [
                    { index: true, element: <OverviewPage /> },
                    { path: 'keys', element: <KeysPage /> },
                    { path: 'usage', element: <UsagePage /> },
                    { path: 'buy', element: <BuyPage /> },
                    { path: 'orders', element: <OrdersPage /> },
                    { path: 'redeem', element: <RedeemPage /> },
                    { path: 'quick-start', element: <QuickStartPage /> },
                    { path: 'api-reference', element: <ApiReferencePage /> },
                    { path: 'account', element: <AccountPage /> },
                    { path: 'admin/*', element: <AdminArea /> },
                    { path: '*', element: <NotFoundPage /> },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  ]);
}

export function App({ router }: { router: ReturnType<typeof createRouter> }) {
  return <RouterProvider router={router} />;
}
