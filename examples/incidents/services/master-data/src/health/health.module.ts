import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { HealthController } from './health.controller';
import { KafkaHealthIndicator } from './kafka.health';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [
    DatabaseHealthIndicator,
    // Incident 2: commented out while debugging, and shipped. Nest cannot resolve
    // HealthController's KafkaHealthIndicator at index [2] and the service restarts forever.
    // KafkaHealthIndicator,
  ],
})
export class HealthModule {}
