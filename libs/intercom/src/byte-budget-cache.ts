// The cache lives in the lowest library, so that the event codec's key cache uses the same one.
export { ByteBudgetCache, jsonBytes } from '@app/event-store';
