import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { DEPLOY_DIR } from '../paths.js';
import { getOnNewConnection, parsePrometheusText, testStack } from '../testing.js';

/**
 * The monitoring that ships in deploy/: Prometheus configs and alert rules (checked and
 * unit-tested with promtool) and the Grafana dashboard, whose queries must only name
 * metrics the running backends really export: a typo or a renamed metric would otherwise
 * leave an empty panel or an alert that can never fire, and nobody would notice.
 */

const PROMETHEUS_DIR = path.join(DEPLOY_DIR, 'prometheus');
const GRAFANA_DIR = path.join(DEPLOY_DIR, 'grafana');
const DASHBOARD_FILE = path.join(GRAFANA_DIR, 'dashboards/gateway.json');
const ALERTS_FILE = path.join(PROMETHEUS_DIR, 'alerts.yml');

/** Series Prometheus makes up itself rather than scraping them. */
const ADDED_BY_PROMETHEUS = new Set(['up']);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'observability-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------
// promtool

const PROMTOOL_MISSING =
  'promtool is not installed (it comes with the Debian package `prometheus`; scripts/bootstrap.sh ' +
  'installs it, or run `apt-get install prometheus`). The monitoring configuration cannot be checked without it.';

/** Runs promtool and fails the test with its output unless it exits 0. */
function promtool(args: string[]): string {
  const res = spawnSync('promtool', args, { cwd: PROMETHEUS_DIR, encoding: 'utf8', timeout: 60_000 });
  if ((res.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') assert.fail(PROMTOOL_MISSING);
  if (res.error) throw res.error;
  const output = `${res.stdout}${res.stderr}`;
  assert.equal(res.status, 0, `promtool ${args.join(' ')} failed:\n${output}`);
  return output;
}

// ---------------------------------------------------------------------------------------
// templates (the native stack's Prometheus config)

/** Fills `${NAME}` placeholders (NAME in [A-Z_]); a placeholder without a value is an error. */
function render(template: string, values: Record<string, string>): string {
  const unknown = new Set<string>();
  const out = template.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) unknown.add(name);
    return value ?? whole;
  });
  if (unknown.size) throw new Error(`no value for template placeholders: ${[...unknown].join(', ')}`);
  const leftover = /\$\{[^}]*\}/.exec(out);
  if (leftover) throw new Error(`template placeholder left after rendering: ${leftover[0]}`);
  return out;
}

// ---------------------------------------------------------------------------------------
// PromQL

/** Aggregation operators and keywords: identifiers of PromQL that are not metric names. */
const PROMQL_WORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'atan2',
  'inf',
  'nan',
  'start',
  'end',
]);

/**
 * The metric names a PromQL expression selects. Strings, comments, label matchers, ranges,
 * Grafana variables and grouping label lists are removed first; of what remains, numbers
 * and durations, function calls (an identifier followed by `(`) and keywords are not metrics.
 */
function metricNames(expr: string): Set<string> {
  let s = expr
    // One pass, left to right, so a quote inside a comment or a `#` inside a string is fine.
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|#[^\n]*/g, ' ')
    .replace(/\{[^}]*\}/g, ' ') // label matchers (their strings are gone, so no `}` inside)
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries: [5m], [$__rate_interval], [15m:1m]
    .replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, ' '); // Grafana variables elsewhere
  s = s.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  const names = new Set<string>();
  const token = /(0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[a-zA-Z]*)|([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g;
  for (const m of s.matchAll(token)) {
    const [, number, identifier, call] = m;
    if (number !== undefined || identifier === undefined || call !== undefined) continue;
    if (PROMQL_WORDS.has(identifier.toLowerCase())) continue;
    names.add(identifier);
  }
  return names;
}

/** Makes a Grafana query plain PromQL: its variables replaced by values of the right kind. */
function withoutGrafanaVariables(expr: string): string {
  const values: Record<string, string> = { __rate_interval: '1m', __interval: '1m', __range: '1h', instance: '.*' };
  // ${1} in label_replace's replacement string is PromQL's, not Grafana's: left alone.
  return expr.replace(/\$(?:\{(\w+)\}|(\w+))/g, (whole, braced?: string, bare?: string) => values[braced ?? bare ?? ''] ?? whole);
}

/** The `expr` of every rule of a rules file (inline or a `|` / `>` block). */
function ruleExpressions(yamlText: string): string[] {
  const lines = yamlText.split('\n');
  const exprs: string[] = [];
  const indentOf = (line: string) => line.length - line.trimStart().length;
  for (let i = 0; i < lines.length; i += 1) {
    const m = /^(\s*)expr:\s*(.*)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const indent = (m[1] ?? '').length;
    const rest = (m[2] ?? '').trim();
    if (/^[|>][-+]?$/.test(rest)) {
      const block: string[] = [];
      while (i + 1 < lines.length && ((lines[i + 1] ?? '').trim() === '' || indentOf(lines[i + 1] ?? '') > indent)) {
        block.push(lines[(i += 1)] ?? '');
      }
      exprs.push(block.join('\n').trim());
    } else {
      exprs.push(rest.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1'));
    }
  }
  return exprs;
}

// ---------------------------------------------------------------------------------------
// the dashboard

interface Target {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[]; // the panels of a collapsed row
}
interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list?: Array<{ name?: string; definition?: string; query?: unknown; datasource?: { uid?: string } }> };
}

function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

function allPanels(panels: Panel[] = []): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels)]);
}

/** Every query of the dashboard with the panel it belongs to. */
function dashboardQueries(dashboard: Dashboard): Array<{ panel: string; expr: string }> {
  return allPanels(dashboard.panels).flatMap((p) =>
    (p.targets ?? []).flatMap((t) => (t.expr ? [{ panel: `${p.title ?? '?'} (${t.refId ?? '?'})`, expr: t.expr }] : [])),
  );
}

// ---------------------------------------------------------------------------------------
// what the backends export

/** Metric names one backend exports, from its `# TYPE` lines (an idle histogram has no samples yet). */
async function exportedMetrics(metricsUrl: string): Promise<Set<string>> {
  const res = await getOnNewConnection(metricsUrl);
  assert.equal(res.status, 200, `GET ${metricsUrl} answered ${res.status}`);
  const names = new Set(parsePrometheusText(res.body).map((s) => s.name));
  for (const m of res.body.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/gm)) {
    const [, name, type] = m;
    if (!name) continue;
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

let scraped: Promise<Array<{ metricsUrl: string; names: Set<string> }>> | undefined;
function backendsExports() {
  scraped ??= Promise.all(testStack().backends.map(async (b) => ({ metricsUrl: b.metricsUrl, names: await exportedMetrics(b.metricsUrl) })));
  return scraped;
}

/** Fails naming every metric a query uses that some backend does not export, and where it is used. */
async function assertAllExported(queries: Array<{ where: string; expr: string }>): Promise<void> {
  const backends = await backendsExports();
  assert.ok(backends.length > 0, 'the test stack has backends');
  const problems: string[] = [];
  for (const { metricsUrl, names } of backends) {
    const missing = new Map<string, string[]>();
    for (const { where, expr } of queries) {
      for (const name of metricNames(expr)) {
        if (!names.has(name) && !ADDED_BY_PROMETHEUS.has(name)) missing.set(name, [...(missing.get(name) ?? []), where]);
      }
    }
    for (const [name, uses] of missing) problems.push(`${name} (not exported by ${metricsUrl}) used by: ${uses.join('; ')}`);
  }
  assert.deepEqual(problems, [], `queries name metrics the backends do not export:\n  ${problems.join('\n  ')}`);
}

// ---------------------------------------------------------------------------------------

describe('Prometheus configuration', () => {
  test('the compose Prometheus config passes promtool, its rule files included', () => {
    const output = promtool(['check', 'config', 'prometheus.yml']);
    assert.match(output, /2 rule files found/, 'prometheus.yml loads alerts.yml and platform-alerts.yml');
  });

  test('the alert rules pass promtool and their unit tests', () => {
    promtool(['check', 'rules', 'alerts.yml']);
    promtool(['test', 'rules', 'alerts.test.yml']);
    // The exporters' alerts (backups, the replica's slot, disks): compose only, so the
    // backends' exports below do not cover them; their unit tests do.
    promtool(['check', 'rules', 'platform-alerts.yml']);
    promtool(['test', 'rules', 'platform-alerts.test.yml']);
  });

  test("the native stack's template renders into a config promtool accepts, scraping every backend", () => {
    const template = readFileSync(path.join(PROMETHEUS_DIR, 'prometheus.local.yml.template'), 'utf8');
    const targets = testStack().backends.map((b) => new URL(b.metricsUrl).host);
    const rendered = render(template, {
      BACKEND_METRICS_TARGETS: `[${targets.map((t) => `'${t}'`).join(', ')}]`,
      RULES_FILE: ALERTS_FILE,
    });
    for (const target of targets) assert.ok(rendered.includes(`'${target}'`), `${target} is scraped`);
    const file = path.join(scratch, 'prometheus.local.yml');
    writeFileSync(file, rendered);
    const output = promtool(['check', 'config', file]);
    assert.match(output, /1 rule files found/, 'the rendered config loads alerts.yml');
  });

  test('rendering refuses a template placeholder it has no value for', () => {
    assert.equal(render('a: ${A_B}', { A_B: '1' }), 'a: 1');
    assert.throws(() => render('a: ${A_B}\nb: ${MISSING}', { A_B: '1' }), /MISSING/);
    assert.throws(() => render('a: ${lower}', {}), /left after rendering: \$\{lower\}/);
  });
});

describe('metric names in PromQL', () => {
  test('only the selected metrics count, not functions, keywords, labels, strings or numbers', () => {
    const cases: Array<[string, string[]]> = [
      ['up', ['up']],
      ['absent(up{job="gateway-backends"} == 1)', ['up']],
      [
        'sum by (le, api) (rate(a_bucket{x="}by(", y=~"$instance"}[$__rate_interval] offset 1h30m)) / on (instance) group_left(job) b_total > bool 0.5 and c',
        ['a_bucket', 'b_total', 'c'],
      ],
      ['histogram_quantile(0.99, sum(rate(h_bucket[5m])) without (instance)) * 1e3', ['h_bucket']],
      ['label_replace(rate(r_total[1m]), "class", "${1}xx", "status", "(.)..")', ['r_total']],
      ['max(deriv(q[15m:1m])) # not_a_metric "quoted"\n  > 0x10 unless count_values("v", w)', ['q', 'w']],
      ['topk(3, sum by (route) (increase(http_requests_total[$__range])))', ['http_requests_total']],
    ];
    for (const [expr, expected] of cases) assert.deepEqual([...metricNames(expr)].sort(), expected, expr);
  });
});

describe('the Grafana dashboard', () => {
  test('is a provisionable dashboard on the prometheus datasource with an instance selector', () => {
    const dashboard = loadDashboard();
    assert.equal(dashboard.uid, 'codex-gateway');
    assert.ok((dashboard.schemaVersion ?? 0) >= 36, 'a Grafana 9/10 schema');
    const variable = dashboard.templating?.list?.find((v) => v.name === 'instance');
    assert.ok(variable, 'an `instance` variable');
    assert.equal(variable.definition, 'label_values(up{job="gateway-backends"}, instance)');
    assert.equal(variable.datasource?.uid, 'prometheus');

    const panels = allPanels(dashboard.panels);
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    for (const p of panels.filter((x) => x.type !== 'row')) {
      assert.equal(p.datasource?.uid, 'prometheus', `panel ${p.title} uses the prometheus datasource`);
      assert.ok((p.targets ?? []).length > 0, `panel ${p.title} has queries`);
      for (const t of p.targets ?? []) assert.equal(t.datasource?.uid ?? 'prometheus', 'prometheus', `panel ${p.title}`);
    }
    // The uid the dashboard refers to is the one provisioned.
    const datasources = readFileSync(path.join(GRAFANA_DIR, 'provisioning/datasources/prometheus.yml'), 'utf8');
    assert.match(datasources, /^\s*uid: prometheus\s*$/m);
    const provider = readFileSync(path.join(GRAFANA_DIR, 'provisioning/dashboards/gateway.yml'), 'utf8');
    assert.match(provider, /path: \/var\/lib\/grafana\/dashboards\s*$/m);
  });

  test('every dashboard query is valid PromQL', () => {
    // promtool has no bare PromQL checker: each query becomes a recording rule.
    const queries = dashboardQueries(loadDashboard());
    assert.ok(queries.length >= 20, `the dashboard has its queries (found ${queries.length})`);
    const rules = queries
      .map(
        (q, i) =>
          `      # ${q.panel.replace(/\n/g, ' ')}\n      - record: dashboard_query_${i}\n        expr: ${JSON.stringify(withoutGrafanaVariables(q.expr))}`,
      )
      .join('\n');
    const file = path.join(scratch, 'dashboard-queries.yml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    promtool(['check', 'rules', file]);
  });

  test('every metric the dashboard queries is one the backends export', async () => {
    const queries = dashboardQueries(loadDashboard()).map((q) => ({ where: `panel ${q.panel}`, expr: q.expr }));
    const used = new Set(queries.flatMap((q) => [...metricNames(q.expr)]));
    // The extraction found the metrics (an empty set would pass vacuously).
    for (const name of ['http_requests_total', 'http_request_duration_seconds_bucket', 'db_pool_connections', 'up']) {
      assert.ok(used.has(name), `the dashboard queries ${name}`);
    }
    await assertAllExported(queries);
  });
});

describe('the alert rules', () => {
  test('every metric the alerts use is one the backends export', async () => {
    const text = readFileSync(ALERTS_FILE, 'utf8');
    const exprs = ruleExpressions(text);
    assert.equal(exprs.length, (text.match(/^\s*- alert:/gm) ?? []).length, 'one expression read per alert');
    const names = text.match(/^\s*- alert:\s*(\S+)/gm)?.map((l) => l.replace(/^\s*- alert:\s*/, '')) ?? [];
    await assertAllExported(exprs.map((expr, i) => ({ where: `alert ${names[i] ?? i}`, expr })));
  });
});
