/** ANSI colours for the live display; the identity when colour is off. */
export interface Style {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

export const colourStyle: Style = {
  green: ansi(32, 39),
  red: ansi(31, 39),
  yellow: ansi(33, 39),
  dim: ansi(2, 22),
  bold: ansi(1, 22),
};

const same = (text: string) => text;
export const plainStyle: Style = { green: same, red: same, yellow: same, dim: same, bold: same };

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function styleFor(env: NodeJS.ProcessEnv, isTTY: boolean): Style {
  return isTTY && !env.NO_COLOR ? colourStyle : plainStyle;
}
