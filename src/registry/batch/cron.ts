// Schedule checking for CronJob validation: robfig/cron's ParseStandard (src/apimachinery/cron.ts) supplies the
// error texts the API server puts into `spec.schedule: Invalid value` messages.
export { cronScheduleError, isValidTimeZone } from '../../apimachinery/cron.js';
