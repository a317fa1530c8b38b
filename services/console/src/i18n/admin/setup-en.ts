/** The setup checklist on the Operations overview (namespace "admin", key "setup"). */
export const setupEn = {
  title: 'Before the first sale',
  intro: 'This gateway is not ready to take real money yet. Still to do:',
  left_one: '{{count}} left',
  left_other: '{{count}} left',
  allDone: 'Setup complete: paid packages on sale, every catalogue model routed, live payments and real mail.',
  reasons: {
    paid_package: {
      none_on_sale: 'No paid package is on sale: customers have nothing to buy.',
      no_provider: 'No payment provider takes the currency of the packages on sale: {{items}}.',
    },
    catalogue_models: {
      no_channel: 'Catalogue models that no channel serves (requests for them fail): {{items}}.',
    },
    channel_keys: {
      no_key: 'Channels without an upstream key: {{items}}.',
    },
    payments: {
      not_configured: 'No payment provider is configured: customers cannot pay.',
      not_live: 'Payment providers against the local fake or in test mode (no real money): {{items}}.',
    },
    mail: {
      not_configured: 'No mail server is configured: sign-up is refused.',
      local_catcher: 'Mail is caught by the bundled local catcher: customers receive no mail.',
    },
  },
  fix: {
    paid_package: 'Create or price a package',
    catalogue_models: 'Add a channel for them',
    channel_keys: 'Set the channel keys',
    payments: 'Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or EPAY_GATEWAY_URL, EPAY_PID and EPAY_KEY, and restart (README: Payments).',
    mail: 'Set SMTP_URL to your mail server and restart.',
  },
};
