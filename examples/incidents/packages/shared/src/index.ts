export const SERVICE_PORT = 3000;

export function serviceName(name: string): string {
  return `incidents-${name}`;
}
