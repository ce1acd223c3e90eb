import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../engine/types.ts';
import {
  type AuditWarehouse,
  at,
  insertDailyMetrics,
  insertRun,
  openAuditWarehouse,
} from './audit-fixture.ts';
import { raiseAlerts } from './raise-alerts.ts';
import type { AlertsConfig } from '../config/alerts-schema.ts';
import {
  TOKEN,
  type Behaviour,
  type WebhookServer,
  hang,
  respond,
  startWebhookServer,
} from './webhook-server.ts';

const RAISED_AT = new Date('2025-03-02T03:04:05.678Z');
const now = () => RAISED_AT;

let warehouse: AuditWarehouse;
let engine: Engine;
let server: WebhookServer | undefined;

beforeEach(async () => {
  warehouse = await openAuditWarehouse();
  engine = warehouse.engine;
  // A failed run that also quarantined too much: two alerts.
  await insertRun(engine, {
    runId: 'r1',
    startedAt: at('2025-03-02'),
    status: 'failed',
    errorCode: 'SQL_FAILED',
    errorMessage: 'boom',
  });
  await insertDailyMetrics(engine, { runId: 'r1', metricDate: '2025-03-02', received: 100, quarantined: 50 });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await warehouse.close();
});

async function serve(...behaviours: Behaviour[]): Promise<WebhookServer> {
  server = await startWebhookServer(behaviours);
  return server;
}

const rules: AlertsConfig['rules'] = { runFailed: true, quarantinedAbove: 10 };

function withWebhook(overrides: Partial<NonNullable<AlertsConfig['webhook']>> = {}): AlertsConfig {
  return {
    rules,
    webhook: { urlEnv: 'STRATA_ALERT_WEBHOOK', timeoutMs: 1_000, retries: 2, retryDelayMs: 0, ...overrides },
  };
}

async function auditAlerts(): Promise<Record<string, unknown>[]> {
  const { rows } = await engine.query(
    `SELECT run_id, rule, subject, message, CAST(raised_at AS TEXT) AS raised_at, delivery, attempts, delivery_error
     FROM audit.alerts ORDER BY rule, subject`,
  );
  return rows;
}

describe('raiseAlerts', () => {
  it('without a webhook, logs the alerts and records them as logged', async () => {
    const result = await raiseAlerts(engine, 'r1', { rules }, {}, now);
    expect(result.alerts.map((a) => [a.rule, a.delivery, a.attempts, a.deliveryError])).toEqual([
      ['run_failed', 'logged', 0, undefined],
      ['quarantined', 'logged', 0, undefined],
    ]);
    expect(result.evaluationErrors).toEqual([]);
    expect(result.recordError).toBeUndefined();
    expect(await auditAlerts()).toEqual([
      {
        run_id: 'r1',
        rule: 'quarantined',
        subject: 'run',
        message: 'Run r1 quarantined 50 of 100 records received, above the limit of 10.',
        raised_at: '2025-03-02 03:04:05.678',
        delivery: 'logged',
        attempts: 0,
        delivery_error: null,
      },
      {
        run_id: 'r1',
        rule: 'run_failed',
        subject: 'run',
        message: 'Run r1 ended with status failed: SQL_FAILED: boom.',
        raised_at: '2025-03-02 03:04:05.678',
        delivery: 'logged',
        attempts: 0,
        delivery_error: null,
      },
    ]);
  });

  it('posts one payload with every alert and records them as delivered', async () => {
    const { url, received } = await serve(respond(200));
    const result = await raiseAlerts(engine, 'r1', withWebhook(), { STRATA_ALERT_WEBHOOK: url }, now);
    expect(result.alerts.map((a) => [a.delivery, a.attempts])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
    ]);
    expect(received).toHaveLength(1);
    const body = JSON.parse(received[0]?.body ?? '{}') as Record<string, unknown>;
    expect(body).toEqual({
      runId: 'r1',
      text:
        'strata run r1: 2 alerts\n• Run r1 ended with status failed: SQL_FAILED: boom.\n' +
        '• Run r1 quarantined 50 of 100 records received, above the limit of 10.',
      alerts: [
        {
          rule: 'run_failed',
          subject: 'run',
          message: 'Run r1 ended with status failed: SQL_FAILED: boom.',
          details: { status: 'failed', errorCode: 'SQL_FAILED', errorMessage: 'boom' },
        },
        {
          rule: 'quarantined',
          subject: 'run',
          message: 'Run r1 quarantined 50 of 100 records received, above the limit of 10.',
          details: { quarantined: 50, received: 100, limit: 10 },
        },
      ],
    });
    expect((await auditAlerts()).map((r) => [r.delivery, r.attempts, r.delivery_error])).toEqual([
      ['delivered', 1, null],
      ['delivered', 1, null],
    ]);
  });

  it('posts nothing and records nothing when no rule fires', async () => {
    await insertRun(engine, { runId: 'fine', startedAt: at('2025-03-03') });
    const { url, received } = await serve(respond(200));
    const result = await raiseAlerts(engine, 'fine', withWebhook(), { STRATA_ALERT_WEBHOOK: url }, now);
    expect(result).toEqual({ alerts: [], evaluationErrors: [] });
    expect(received).toEqual([]);
    expect(await auditAlerts()).toEqual([]);
  });

  it('a missing environment variable fails delivery, naming the variable', async () => {
    for (const env of [{}, { STRATA_ALERT_WEBHOOK: '  ' }]) {
      const result = await raiseAlerts(engine, 'r1', withWebhook(), env, now);
      const error =
        'the environment variable STRATA_ALERT_WEBHOOK that should hold the webhook URL is not set';
      expect(result.alerts.map((a) => [a.delivery, a.attempts, a.deliveryError])).toEqual([
        ['failed', 0, error],
        ['failed', 0, error],
      ]);
      expect((await auditAlerts()).map((r) => r.delivery_error)).toEqual([error, error]);
    }
  });

  it('retries, then records the failure when every attempt fails, and still resolves', async () => {
    const { url, received } = await serve(respond(500));
    const result = await raiseAlerts(
      engine,
      'r1',
      withWebhook({ retries: 2 }),
      { STRATA_ALERT_WEBHOOK: url },
      now,
    );
    expect(received).toHaveLength(3);
    const error = 'the webhook answered HTTP 500 (after 3 attempts)';
    expect(result.alerts.map((a) => [a.delivery, a.attempts, a.deliveryError])).toEqual([
      ['failed', 3, error],
      ['failed', 3, error],
    ]);
    const rows = await auditAlerts();
    expect(rows.map((r) => [r.delivery, r.attempts, r.delivery_error])).toEqual([
      ['failed', 3, error],
      ['failed', 3, error],
    ]);
    expect(JSON.stringify([result, rows])).not.toContain(TOKEN);
  });

  it('a webhook that hangs costs at most (retries + 1) × timeout, and the URL stays secret', async () => {
    const { url, received } = await serve(hang);
    const started = performance.now();
    const result = await raiseAlerts(
      engine,
      'r1',
      withWebhook({ timeoutMs: 150, retries: 1, retryDelayMs: 0 }),
      { STRATA_ALERT_WEBHOOK: url },
      now,
    );
    const elapsed = performance.now() - started;
    expect(received).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(3_000);
    expect(result.alerts.map((a) => [a.delivery, a.deliveryError])).toEqual([
      ['failed', 'timed out after 150 ms (after 2 attempts)'],
      ['failed', 'timed out after 150 ms (after 2 attempts)'],
    ]);
    const rows = await auditAlerts();
    expect(JSON.stringify([result, rows])).not.toContain(TOKEN);
    expect(JSON.stringify([result, rows])).not.toContain('127.0.0.1');
  });

  it('raising a run’s alerts again replaces their rows', async () => {
    await raiseAlerts(engine, 'r1', { rules }, {}, now);
    const { url } = await serve(respond(200));
    const later = () => new Date('2025-03-02T04:00:00.000Z');
    const result = await raiseAlerts(engine, 'r1', withWebhook(), { STRATA_ALERT_WEBHOOK: url }, later);
    expect(result.recordError).toBeUndefined();
    expect((await auditAlerts()).map((r) => [r.rule, r.delivery, r.raised_at])).toEqual([
      ['quarantined', 'delivered', '2025-03-02 04:00:00'],
      ['run_failed', 'delivered', '2025-03-02 04:00:00'],
    ]);
  });

  it('reports an audit write failure instead of throwing, still delivering', async () => {
    await engine.execute('DROP TABLE audit.alerts');
    const { url, received } = await serve(respond(200));
    const result = await raiseAlerts(engine, 'r1', withWebhook(), { STRATA_ALERT_WEBHOOK: url }, now);
    expect(received).toHaveLength(1);
    expect(result.alerts.map((a) => a.delivery)).toEqual(['delivered', 'delivered']);
    expect(result.recordError).toMatch(/alerts/);
  });

  it('a rule whose query fails is reported; the other rules still raise', async () => {
    await engine.execute('DROP TABLE audit.daily_metrics');
    const result = await raiseAlerts(engine, 'r1', { rules }, {}, now);
    expect(result.alerts.map((a) => a.rule)).toEqual(['run_failed']);
    expect(result.evaluationErrors).toEqual([
      { rule: 'quarantined', error: expect.stringMatching(/daily_metrics/) },
    ]);
    expect((await auditAlerts()).map((r) => r.rule)).toEqual(['run_failed']);
  });
});
