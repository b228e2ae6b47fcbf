// Preloaded into the test IdP (node --require) to give it a wrong clock, the way a real IdP
// server with a drifting clock would: FAKE_CLOCK_SHIFT_MS milliseconds ahead (or behind, if
// negative). Only `new Date()` and `Date.now()` move; explicit dates are left alone.
const shift = Number(process.env.FAKE_CLOCK_SHIFT_MS || 0);
if (shift) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + shift);
      else super(...args);
    }
    static now() {
      return RealDate.now() + shift;
    }
  }
  globalThis.Date = ShiftedDate;
}
