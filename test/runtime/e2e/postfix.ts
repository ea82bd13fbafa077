// A private Postfix instance's master.cf (the relay test and bench/smtp.ts): Debian's master.cf with smtpd
// moved to 127.0.0.1:<port> and chroot off everywhere (the private queue directory has no chroot files).
import { readFileSync } from 'node:fs';

export function privateMasterCf(port: number): string {
  return readFileSync('/etc/postfix/master.cf', 'utf8')
    .split('\n')
    .map((line) => {
      if (/^\s|^#|^$/.test(line)) return line;
      const f = line.split(/\s+/);
      if (f.length < 8) return line;
      if (f[0] === 'smtp' && f[1] === 'inet') f[0] = `127.0.0.1:${port}`;
      f[4] = 'n';
      return f.join(' ');
    })
    .join('\n');
}
