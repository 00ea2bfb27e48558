// Incident 1: prom-client is imported here but declared in no package.json. It worked on
// developers' machines through another package's copy, and crash-looped the container with
// "Cannot find module 'prom-client'".
import { Injectable } from '@nestjs/common';
import { Counter, register } from 'prom-client';

@Injectable()
export class MetricsService {
  readonly logins = new Counter({ name: 'auth_logins_total', help: 'Successful logins' });

  metrics(): Promise<string> {
    return register.metrics();
  }
}
