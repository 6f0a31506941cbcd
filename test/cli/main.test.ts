import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('sessionkit --help', () => {
  it('lists every command, the environment variables and the exit codes', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Usage: sessionkit \[options\] \[command\]/);
    for (const command of ['encode', 'decode', 'save', 'show', 'clearsessions', 'createtable']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(run.stdout).toContain('SESSIONKIT_SECRET_KEY ');
    expect(run.stdout).toContain('SESSIONKIT_SECRET_KEY_FALLBACKS');
    expect(run.stdout).toContain('Exit status: 0 ok; 1 failure');
  });

  it("describes a command's arguments and options", async () => {
    const run = await runCli(['help', 'decode']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: sessionkit decode \[options\] <data>/);
    expect(run.stdout).toContain('--max-age <seconds>');
    expect(run.stdout).toContain('--fallback-secret <key>');
    expect(run.stdout).toContain('django.contrib.sessions.SessionStore');
  });

  it('prints the package version', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('sessionkit usage errors', () => {
  it('exits 2 with the help on stderr when no command is given', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: sessionkit');
  });

  it('exits 2 on an unknown command or option', async () => {
    const command = await runCli(['frobnicate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("error: unknown command 'frobnicate'");
    const option = await runCli(['encode', '{}', '--frob']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("error: unknown option '--frob'");
  });

  it('exits 2 when a required argument is missing', async () => {
    const run = await runCli(['decode']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: missing required argument 'data'");
  });
});
