-- The academy's schema (SQLite). Times are Unix seconds (UTC); flags are 0/1.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'instructor', 'trainee')),
    password_hash TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE device_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE courses (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE course_instructors (
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (course_id, user_id)
);

CREATE TABLE enrollments (
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX enrollments_by_user ON enrollments (user_id);

CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    level_id TEXT NOT NULL,
    title TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    max_attempts BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX assignments_by_course ON assignments (course_id);

CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    trainee_id BIGINT NOT NULL REFERENCES users (id),
    blob_hash TEXT NOT NULL REFERENCES blobs (hash),
    content_hash TEXT NOT NULL,
    file_name TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    via TEXT NOT NULL,
    level_id TEXT NOT NULL,
    level_hash TEXT NOT NULL,
    trainee_name TEXT NOT NULL,
    device TEXT NOT NULL,
    impressions BIGINT NOT NULL,
    total DOUBLE PRECISION NOT NULL,
    passed BIGINT NOT NULL,
    scoring_version BIGINT NOT NULL,
    verification TEXT NOT NULL,
    verification_detail TEXT NOT NULL,
    flags TEXT NOT NULL,
    criteria TEXT NOT NULL,
    late BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('submitted', 'in_review', 'released')),
    released_at BIGINT,
    rescored_at BIGINT
);
CREATE INDEX attempts_by_assignment ON attempts (assignment_id, trainee_id);
CREATE INDEX attempts_by_trainee ON attempts (trainee_id, submitted_at);

CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    attempt_id BIGINT NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('comment', 'override')),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX notes_by_attempt ON notes (attempt_id);
