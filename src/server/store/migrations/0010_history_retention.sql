-- Test sign-ins and the sign-in log are kept for PORTICO_HISTORY_DAYS, then purged by age.
CREATE INDEX sign_in_tests_by_start ON sign_in_tests (started_at);
