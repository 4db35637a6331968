export * from './errors.ts';
export * from './webhook-payload.ts';
export * from './venues.ts';
export * from './orders.ts';
export * from './trade-plan.ts';
