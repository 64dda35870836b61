//! The academy's black-box tests: each spawns the server on a random port with a fresh data
//! folder and database, on SQLite and again on PostgreSQL when `SMP_ACADEMY_TEST_PG` names a
//! server (`.ci/run` starts a throwaway one). One binary, so the server links once.

mod helpers;

mod auth;
mod cli;
mod crash;
mod load;
mod review;
mod uploads;
