import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { MetricsService } from './metrics/metrics.service';
import { PasswordService } from './password.service';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [MetricsService, PasswordService],
})
export class AppModule {}
