/** The time, injected so that expiry can be tested by moving it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** Whole seconds since the epoch, as JWT `iat`/`exp` and Cognito's timestamps count them. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock().getTime() / 1000);
}

/** A clock that moves only when told to: for tests and benches that exercise expiry. */
export function manualClock(start: Date): Clock & { advance(ms: number): void } {
  let ms = start.getTime();
  const clock = () => new Date(ms);
  return Object.assign(clock, {
    advance(by: number) {
      ms += by;
    },
  });
}
