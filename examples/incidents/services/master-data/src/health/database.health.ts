import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

@Injectable()
export class DatabaseHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  async isHealthy(key: string) {
    return this.indicators.check(key).up();
  }
}
