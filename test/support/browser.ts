// Debian's chromium, headless, driven by playwright-core (playwright's own browser download cannot run on
// these machines; .ci/run installs the chromium package). The flags are the ones a closed network needs:
// without the background-networking ones chromium keeps trying hosts it cannot reach.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}
