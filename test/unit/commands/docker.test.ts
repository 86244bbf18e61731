import { describe, expect, test } from 'vitest';
import type { Command } from '../../../src/commands/command';
import {
  buildImage,
  buildxVersion,
  dockerVersion,
  loginRegistry,
  logoutRegistry,
  pushImage,
  loadImageFile,
  saveImage,
  saveImageFile,
  tagImage,
  type BuildImageOptions,
} from '../../../src/commands/docker';
import { StackDeployError } from '../../../src/errors';
import { thrownBy } from '../helpers';

const IMAGE = 'ghcr.io/acme/api:1.2.3';

/** The StackDeployError `run` throws; fails the test when it throws nothing or something else. */

describe('docker argv', () => {
  test.each<[string, () => Command, string[]]>([
    ['docker version', () => dockerVersion(), ['docker', 'version', '--format', '{{json .}}']],
    ['buildx version', () => buildxVersion(), ['docker', 'buildx', 'version']],
    ['push', () => pushImage(IMAGE), ['docker', 'push', IMAGE]],
    ['save to standard output', () => saveImage(IMAGE), ['docker', 'image', 'save', IMAGE]],
    ['save to a file', () => saveImageFile(IMAGE, '/tmp/cache/image.tar'), ['docker', 'image', 'save', '--output', '/tmp/cache/image.tar', IMAGE]],
    ['load from a file', () => loadImageFile('/tmp/cache/image.tar'), ['docker', 'image', 'load', '--input', '/tmp/cache/image.tar']],
    ['tag', () => tagImage(IMAGE, 'ghcr.io/acme/api:stack-deploy-cache'), ['docker', 'tag', IMAGE, 'ghcr.io/acme/api:stack-deploy-cache']],
    ['logout', () => logoutRegistry('ghcr.io'), ['docker', 'logout', 'ghcr.io']],
  ])('%s', (_name, build, argv) => {
    const cmd = build();
    expect(cmd.argv).toEqual(argv);
    expect(cmd.stdin).toBeUndefined();
  });
});

const minimal: BuildImageOptions = { builder: 'buildx', context: '.', tags: [IMAGE] };

describe('buildImage', () => {
  test.each<[string, BuildImageOptions, string[]]>([
    ['buildx minimal loads by default', minimal, ['docker', 'buildx', 'build', '--tag', IMAGE, '--load', '.']],
    ['buildx without load', { ...minimal, load: false }, ['docker', 'buildx', 'build', '--tag', IMAGE, '.']],
    ['classic minimal', { ...minimal, builder: 'classic' }, ['docker', 'build', '--tag', IMAGE, '.']],
    ['classic ignores load', { ...minimal, builder: 'classic', load: true }, ['docker', 'build', '--tag', IMAGE, '.']],
    [
      'dockerfile is joined onto the context',
      { ...minimal, context: 'services/api', dockerfile: 'Dockerfile.prod' },
      ['docker', 'buildx', 'build', '--file', 'services/api/Dockerfile.prod', '--tag', IMAGE, '--load', 'services/api'],
    ],
    [
      'dockerfile in a sibling folder',
      { ...minimal, context: 'services/api', dockerfile: '../../docker/api.Dockerfile' },
      ['docker', 'buildx', 'build', '--file', 'docker/api.Dockerfile', '--tag', IMAGE, '--load', 'services/api'],
    ],
    [
      'dockerfile with context "."',
      { ...minimal, dockerfile: './Dockerfile' },
      ['docker', 'buildx', 'build', '--file', 'Dockerfile', '--tag', IMAGE, '--load', '.'],
    ],
    [
      'absolute dockerfile is kept',
      { ...minimal, context: 'app', dockerfile: '/srv/build/Dockerfile' },
      ['docker', 'buildx', 'build', '--file', '/srv/build/Dockerfile', '--tag', IMAGE, '--load', 'app'],
    ],
    [
      'build args and labels are sorted by key',
      {
        ...minimal,
        buildArgs: { NODE_ENV: 'production', APP_VERSION: '1.2.3', EMPTY: '' },
        labels: { 'org.opencontainers.image.version': '1.2.3', 'org.opencontainers.image.source': 'https://github.com/acme/app' },
      },
      [
        'docker', 'buildx', 'build',
        '--build-arg', 'APP_VERSION=1.2.3',
        '--build-arg', 'EMPTY=',
        '--build-arg', 'NODE_ENV=production',
        '--label', 'org.opencontainers.image.source=https://github.com/acme/app',
        '--label', 'org.opencontainers.image.version=1.2.3',
        '--tag', IMAGE,
        '--load',
        '.',
      ],
    ],
    [
      'values with spaces and = stay one argument',
      { ...minimal, buildArgs: { GREETING: 'hello world=1' } },
      ['docker', 'buildx', 'build', '--build-arg', 'GREETING=hello world=1', '--tag', IMAGE, '--load', '.'],
    ],
    [
      'several tags keep their order',
      { ...minimal, tags: [IMAGE, 'ghcr.io/acme/api:sha-0123456'] },
      ['docker', 'buildx', 'build', '--tag', IMAGE, '--tag', 'ghcr.io/acme/api:sha-0123456', '--load', '.'],
    ],
    [
      'every option, in pinned order',
      {
        builder: 'buildx',
        context: 'services/api',
        dockerfile: 'Dockerfile',
        target: 'runtime',
        buildArgs: { B: '2', A: '1' },
        labels: { z: 'last', a: 'first' },
        tags: [IMAGE],
        platforms: ['linux/amd64', 'linux/arm64'],
        network: 'host',
        push: false,
        load: true,
        iidFile: '/tmp/iid',
        cacheFrom: ['type=gha', 'type=registry,ref=ghcr.io/acme/api:cache'],
        cacheTo: ['type=gha,mode=max'],
      },
      [
        'docker', 'buildx', 'build',
        '--file', 'services/api/Dockerfile',
        '--target', 'runtime',
        '--build-arg', 'A=1',
        '--build-arg', 'B=2',
        '--label', 'a=first',
        '--label', 'z=last',
        '--tag', IMAGE,
        '--platform', 'linux/amd64,linux/arm64',
        '--network', 'host',
        '--load',
        '--iidfile', '/tmp/iid',
        '--cache-from', 'type=gha',
        '--cache-from', 'type=registry,ref=ghcr.io/acme/api:cache',
        '--cache-to', 'type=gha,mode=max',
        'services/api',
      ],
    ],
    [
      'classic with every option it supports',
      {
        builder: 'classic',
        context: 'app',
        dockerfile: 'Dockerfile',
        target: 'runtime',
        buildArgs: { A: '1' },
        labels: { a: 'b' },
        tags: [IMAGE],
        platforms: [],
        network: 'none',
        iidFile: 'iid.txt',
        cacheFrom: [IMAGE],
        cacheTo: [],
      },
      [
        'docker', 'build',
        '--file', 'app/Dockerfile',
        '--target', 'runtime',
        '--build-arg', 'A=1',
        '--label', 'a=b',
        '--tag', IMAGE,
        '--network', 'none',
        '--iidfile', 'iid.txt',
        '--cache-from', IMAGE,
        'app',
      ],
    ],
  ])('%s', (_name, opts, argv) => {
    const cmd = buildImage(opts);
    expect(cmd.argv).toEqual(argv);
    expect(cmd.argv.at(-1)).toBe(opts.context);
    expect(cmd.stdin).toBeUndefined();
  });

  test.each<[string, BuildImageOptions, RegExp]>([
    ['platforms', { ...minimal, builder: 'classic', platforms: ['linux/arm64'] }, /classic docker builder does not support platforms$/u],
    ['cache-to', { ...minimal, builder: 'classic', cacheTo: ['type=inline'] }, /classic docker builder does not support cache-to$/u],
    [
      'both',
      { ...minimal, builder: 'classic', platforms: ['linux/arm64'], cacheTo: ['type=inline'] },
      /does not support platforms or cache-to$/u,
    ],
  ])('classic builder refuses %s with a hint to install buildx', (_name, opts, message) => {
    const error = thrownBy(() => buildImage(opts));
    expect(error.message).toMatch(message);
    expect(error.context.hint).toMatch(/install the docker buildx plugin/u);
  });

  test.each<[string, BuildImageOptions, RegExp]>([
    ['no tags', { ...minimal, tags: [] }, /a build needs at least one tag/u],
    ['empty tag', { ...minimal, tags: [''] }, /image tag is empty/u],
    ['option as tag', { ...minimal, tags: ['--privileged'] }, /image tag "--privileged" starts with "-"/u],
    ['tag with a space', { ...minimal, tags: ['acme/api:1 --push'] }, /image tag "acme\/api:1 --push" contains white space/u],
    ['empty context', { ...minimal, context: '' }, /build context is empty/u],
    ['option as context', { ...minimal, context: '--privileged' }, /build context "--privileged" starts with "-"/u],
    ['option as dockerfile', { ...minimal, dockerfile: '-f' }, /Dockerfile path "-f" starts with "-"/u],
    ['empty dockerfile', { ...minimal, dockerfile: '' }, /Dockerfile path is empty/u],
    ['option as target', { ...minimal, target: '--output=type=local,dest=/' }, /build target "--output=type=local,dest=\/" starts with "-"/u],
    ['option as platform', { ...minimal, platforms: ['--push'] }, /platform "--push" starts with "-"/u],
    ['option as network', { ...minimal, network: '--privileged' }, /build network "--privileged" starts with "-"/u],
    ['option as cache source', { ...minimal, cacheFrom: ['--push'] }, /cache source "--push" starts with "-"/u],
    ['option as cache destination', { ...minimal, cacheTo: ['--push'] }, /cache destination "--push" starts with "-"/u],
    ['option as iidfile', { ...minimal, iidFile: '--push' }, /image ID file "--push" starts with "-"/u],
    ['build arg name with =', { ...minimal, buildArgs: { 'A=B': '1' } }, /build argument name "A=B" is not valid/u],
    ['empty build arg name', { ...minimal, buildArgs: { '': '1' } }, /build argument name "" is not valid/u],
    ['label name with a space', { ...minimal, labels: { 'a b': '1' } }, /label name "a b" is not valid/u],
  ])('refuses %s', (_name, opts, message) => {
    expect(() => buildImage(opts)).toThrow(StackDeployError);
    expect(() => buildImage(opts)).toThrow(message);
  });
});

describe('loginRegistry', () => {
  const password = 'ghp_s3cr3t-t0ken';

  test('sends the password on stdin, marked secret, never in argv', () => {
    const cmd = loginRegistry({ registry: 'ghcr.io', username: 'octocat', password });
    expect(cmd).toEqual({
      argv: ['docker', 'login', 'ghcr.io', '--username', 'octocat', '--password-stdin'],
      stdin: password,
      stdinIsSecret: true,
    });
    expect(cmd.argv.join(' ')).not.toContain(password);
    expect(cmd.argv.some((arg) => arg.includes('s3cr3t'))).toBe(false);
  });

  test.each<[string, { registry: string; username: string; password: string }, RegExp]>([
    ['empty password', { registry: 'ghcr.io', username: 'octocat', password: '' }, /the password for registry ghcr\.io is empty/u],
    ['empty registry', { registry: '', username: 'octocat', password }, /registry is empty/u],
    ['option as registry', { registry: '--password=x', username: 'octocat', password }, /registry "--password=x" starts with "-"/u],
    ['empty username', { registry: 'ghcr.io', username: '', password }, /registry username is empty/u],
    ['option as username', { registry: 'ghcr.io', username: '--password', password }, /registry username "--password" starts with "-"/u],
  ])('refuses %s', (_name, opts, message) => {
    expect(() => loginRegistry(opts)).toThrow(StackDeployError);
    expect(() => loginRegistry(opts)).toThrow(message);
  });

  test('error messages never contain the password', () => {
    for (const opts of [
      { registry: '-x', username: 'octocat', password },
      { registry: 'ghcr.io', username: '', password },
    ]) {
      const error = thrownBy(() => loginRegistry(opts));
      expect(JSON.stringify({ message: error.message, context: error.context })).not.toContain(password);
    }
  });
});

describe('positional refusals', () => {
  test.each<[string, () => Command, RegExp]>([
    ['push --privileged', () => pushImage('--privileged'), /image reference "--privileged" starts with "-"/u],
    ['logout', () => logoutRegistry('--all'), /registry "--all" starts with "-"/u],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(StackDeployError);
    expect(build).toThrow(message);
  });
});
