/** How the monitor writes a run's figures: durations, times, statuses, rows per layer. */
import { el } from '../dom.ts';

export const LAYERS: readonly { layer: string; label: string }[] = [
  { layer: 'raw', label: 'Raw' },
  { layer: 'staging', label: 'Staging' },
  { layer: 'warehouse', label: 'Warehouse' },
  { layer: 'marts', label: 'Marts' },
];

const NUMBER = new Intl.NumberFormat('en-US');

/** A count as the run page writes every figure: with thousands separators. */
export function count(value: number): string {
  return NUMBER.format(value);
}

/** A figure audit did not record: said so, never shown as 0. */
export function notRecorded(): HTMLElement {
  return el('span', { class: 'not-recorded', title: 'audit holds no figure for this run' }, 'not recorded');
}

/** Each layer's rows, or "not recorded" when the run has no metrics line or the layer no figure. */
export function layerFigures(
  rows: Record<string, number> | null,
): { layer: string; label: string; text: string | HTMLElement }[] {
  return LAYERS.map(({ layer, label }) => {
    const value = rows?.[layer];
    return { layer, label, text: value === undefined ? notRecorded() : count(value) };
  });
}

export function formatRows(value: number | null): string {
  return value === null ? '—' : count(value);
}

/** 850 ms, 12.4 s, 3 min 05 s, 1 h 02 min. */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** An ISO timestamp as `2026-12-06 19:57:03 UTC`. */
export function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function statusBadge(status: string): HTMLElement {
  return el('span', { class: `status status-${status}`, 'data-status': status }, status);
}
