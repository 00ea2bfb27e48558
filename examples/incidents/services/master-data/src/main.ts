import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SERVICE_PORT } from '@incidents/shared';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  await app.listen(SERVICE_PORT);
}
bootstrap();
