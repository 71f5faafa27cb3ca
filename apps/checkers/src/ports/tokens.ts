export const CHECKERS_PLAN = Symbol.for('keel.checkers.plan');
export const CHECKERS_PLACES = Symbol.for('keel.checkers.places');
