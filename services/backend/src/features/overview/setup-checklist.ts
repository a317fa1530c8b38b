import { connect } from 'node:net';
import type { SetupChecklist, SetupTaskView } from '../../contract/admin-api.js';
import type { Config } from '../../infra/config.js';
import type { ChannelDirectory } from '../channels/channel-directory.js';
import { isFamily, type ModelCatalogue, nameCovers } from '../models/model-catalogue.js';
import type { PackageService } from '../packages/package-service.js';
import type { PaymentProvider } from '../payments/providers/payment-provider.js';

/** How a payment provider is set up: against the bundled local fake, in the provider's test mode, or taking money. */
export type ProviderMode = 'fake' | 'test' | 'live';
/** Where mail goes: nowhere (no SMTP_URL), into the bundled catcher, or to a real SMTP server. */
export type MailMode = 'none' | 'catcher' | 'smtp';

/** What the checklist is decided from, gathered from the gateway's state. */
export interface SetupFacts {
  /** Active packages with a price above zero. */
  packagesOnSale: ReadonlyArray<{ name: string; currency: string }>;
  providers: ReadonlyArray<{ name: string; currencies?: readonly string[]; mode: ProviderMode }>;
  catalogue: ReadonlyArray<{ name: string; enabled: boolean }>;
  /** The channels the relay routes with (enabled ones, the environment's included). */
  channels: ReadonlyArray<{ name: string; hasKey: boolean; models: readonly string[] }>;
  mail: MailMode;
}

/**
 * Whether a channel serves a catalogue entry as the router sees it: a channel with no model
 * list serves every model, otherwise exact names; a `prefix*` entry counts as served when a
 * channel lists a model of the family.
 */
function serves(channelModels: readonly string[], entry: string): boolean {
  if (channelModels.length === 0 || channelModels.includes(entry)) return true;
  return isFamily(entry) && channelModels.some((m) => nameCovers(entry, m));
}

const task = (id: SetupTaskView['id'], problem: { reason: string; items?: string[] } | null): SetupTaskView => ({
  id,
  done: problem === null,
  reason: problem?.reason ?? null,
  items: problem?.items ?? [],
});

/** The decision, numbers in and verdict out: what a new operator must still do. */
export function setupChecklist(facts: SetupFacts): SetupChecklist {
  const takes = (currency: string) => facts.providers.some((p) => !p.currencies || p.currencies.includes(currency.toUpperCase()));
  const payable = facts.packagesOnSale.filter((p) => takes(p.currency));
  const unpayable = facts.packagesOnSale.filter((p) => !takes(p.currency)).map((p) => p.name);
  const unserved = facts.catalogue.filter((m) => m.enabled && !facts.channels.some((c) => serves(c.models, m.name))).map((m) => m.name);
  const keyless = facts.channels.filter((c) => !c.hasKey).map((c) => c.name);
  const notLive = facts.providers.filter((p) => p.mode !== 'live').map((p) => p.name);

  const tasks = [
    task(
      'paid_package',
      payable.length > 0 ? null : facts.packagesOnSale.length === 0 ? { reason: 'none_on_sale' } : { reason: 'no_provider', items: unpayable },
    ),
    task('catalogue_models', unserved.length > 0 ? { reason: 'no_channel', items: unserved } : null),
    task('channel_keys', keyless.length > 0 ? { reason: 'no_key', items: keyless } : null),
    task('payments', facts.providers.length === 0 ? { reason: 'not_configured' } : notLive.length > 0 ? { reason: 'not_live', items: notLive } : null),
    task('mail', facts.mail === 'none' ? { reason: 'not_configured' } : facts.mail === 'catcher' ? { reason: 'local_catcher' } : null),
  ];
  return { done: tasks.every((t) => t.done), tasks };
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** A provider's mode from its configuration: the fake is named by STRIPE_API_BASE_URL, or an EPay site on this machine. */
export function providerModes(payments: Pick<Config['payments'], 'stripe' | 'epay'>): Map<string, ProviderMode> {
  const modes = new Map<string, ProviderMode>();
  if (payments.stripe) modes.set('stripe', payments.stripe.apiBaseUrl ? 'fake' : payments.stripe.secretKey.startsWith('sk_test_') ? 'test' : 'live');
  if (payments.epay) modes.set('epay', LOOPBACK.test(new URL(payments.epay.gatewayUrl).hostname) ? 'fake' : 'live');
  return modes;
}

const GREETING_TIMEOUT_MS = 1000;

/**
 * Whether SMTP_URL is the bundled mail catcher, which names itself in its greeting
 * ("220 … Codex Gateway mail catcher"). A server that cannot be asked (TLS from the first
 * byte, or not answering) is taken for a real one: the checklist does not guess.
 */
export async function mailMode(smtpUrl: string | undefined): Promise<MailMode> {
  if (!smtpUrl) return 'none';
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:') return 'smtp';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const greeting = await new Promise<string>((resolve) => {
    const socket = connect({ host, port: Number(url.port || 25) });
    let text = '';
    const done = () => {
      socket.destroy();
      resolve(text);
    };
    socket.setTimeout(GREETING_TIMEOUT_MS, done);
    socket.on('error', done);
    socket.on('close', done);
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) done();
    });
  });
  return /mail catcher/i.test(greeting) ? 'catcher' : 'smtp';
}

interface Deps {
  packages: Pick<PackageService, 'listOnSale'>;
  providers: ReadonlyMap<string, Pick<PaymentProvider, 'name' | 'currencies'>>;
  payments: Pick<Config['payments'], 'stripe' | 'epay'>;
  channels: Pick<ChannelDirectory, 'current'>;
  catalogue: Pick<ModelCatalogue, 'list'>;
  smtpUrl: string | undefined;
}

/** Gathers the facts from the stores, the channel directory, the catalogue and the configuration. */
export function createSetupChecklist({ packages, providers, payments, channels, catalogue, smtpUrl }: Deps) {
  const modes = providerModes(payments);
  return {
    async check(): Promise<SetupChecklist> {
      const [onSale, entries, routed, mail] = await Promise.all([packages.listOnSale(), catalogue.list(), channels.current(), mailMode(smtpUrl)]);
      return setupChecklist({
        packagesOnSale: onSale.map((p) => ({ name: p.name, currency: p.currency })),
        providers: [...providers.values()].map((p) => ({ name: p.name, currencies: p.currencies, mode: modes.get(p.name) ?? 'live' })),
        catalogue: entries.map((m) => ({ name: m.name, enabled: m.enabled })),
        channels: routed.map((c) => ({ name: c.name, hasKey: Boolean(c.apiKey), models: c.models })),
        mail,
      });
    },
  };
}

export type SetupChecklistService = ReturnType<typeof createSetupChecklist>;
