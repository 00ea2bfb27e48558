import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { serviceName } from '@incidents/shared';

@Injectable()
export class PasswordService {
  readonly issuer = serviceName('auth');

  hash(password: string): Promise<string> {
    return argon2.hash(password);
  }
}
