import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/src/config.js';

describe('config.identity', () => {
  it('is the project alone when no Authentication emulator is set: Google-signed tokens only', () => {
    expect(loadConfig({ GOOGLE_CLOUD_PROJECT: 'tandem-prod' }).identity).toEqual({ projectId: 'tandem-prod' });
    expect(loadConfig({}).identity).toEqual({ projectId: 'demo-tandem' });
  });

  it('carries the emulator host for a demo- project', () => {
    const config = loadConfig({ GOOGLE_CLOUD_PROJECT: 'demo-tandem', FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' });
    expect(config.identity).toEqual({ projectId: 'demo-tandem', emulatorHost: '127.0.0.1:9099' });
  });

  it('takes an empty FIREBASE_AUTH_EMULATOR_HOST as unset', () => {
    expect(loadConfig({ GOOGLE_CLOUD_PROJECT: 'tandem-prod', FIREBASE_AUTH_EMULATOR_HOST: '' }).identity).toEqual({ projectId: 'tandem-prod' });
  });

  it.each([['tandem-prod'], ['demotandem'], ['my-demo-project'], ['Demo-tandem']])(
    'refuses to start with the Authentication emulator set for the project %s, which is not a demo- project',
    (project) => {
      const load = () => loadConfig({ GOOGLE_CLOUD_PROJECT: project, FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(`FIREBASE_AUTH_EMULATOR_HOST is set (127.0.0.1:9099) but the project "${project}" is not a demo- project`);
      expect(load).toThrow(/unset FIREBASE_AUTH_EMULATOR_HOST/);
    },
  );
});
