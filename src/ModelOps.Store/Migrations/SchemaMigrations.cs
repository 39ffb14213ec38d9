namespace ModelOps.Store.Migrations;

/// <summary>
/// Every migration of the store's schema, in order. A migration is never edited once released:
/// a change is a new migration appended here (model groups and tokens came as version 2, the
/// error of a failed run as version 5, the artifact content of PostgreSQL stores as version 6, connectors as version 7, the job queue as version 8, the inference statistics as version 9, their watermark as version 10).
/// Each is applied in its own transaction, the same list on both databases.
/// </summary>
internal static class SchemaMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "tracking and registry", """
            CREATE TABLE experiments (
                id {id},
                name TEXT NOT NULL UNIQUE,
                created_at {timestamp} NOT NULL
            );
            CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                experiment_id {bigint} NOT NULL REFERENCES experiments (id),
                name TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED')),
                started_at {timestamp} NOT NULL,
                ended_at {timestamp},
                description TEXT,
                host TEXT NOT NULL,
                user_name TEXT NOT NULL,
                modelops_version TEXT NOT NULL,
                runtime TEXT NOT NULL
            );
            CREATE INDEX runs_by_experiment ON runs (experiment_id, started_at);
            CREATE INDEX runs_by_start ON runs (started_at);
            CREATE TABLE run_tags (
                run_id TEXT NOT NULL REFERENCES runs (id),
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_id, key)
            );
            CREATE TABLE run_params (
                run_id TEXT NOT NULL REFERENCES runs (id),
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_id, key)
            );
            CREATE TABLE run_metrics (
                id {id},
                run_id TEXT NOT NULL REFERENCES runs (id),
                key TEXT NOT NULL,
                value {real},
                step {bigint} NOT NULL,
                logged_at {timestamp} NOT NULL
            );
            CREATE INDEX run_metrics_by_key ON run_metrics (run_id, key, step);
            CREATE TABLE run_datasets (
                id {id},
                run_id TEXT NOT NULL REFERENCES runs (id),
                name TEXT NOT NULL,
                context TEXT NOT NULL,
                source_uri TEXT,
                digest TEXT NOT NULL,
                row_count {bigint} NOT NULL,
                column_count INTEGER NOT NULL,
                columns_json TEXT NOT NULL,
                logged_at {timestamp} NOT NULL
            );
            CREATE INDEX run_datasets_by_run ON run_datasets (run_id);
            CREATE TABLE run_artifacts (
                run_id TEXT NOT NULL REFERENCES runs (id),
                path TEXT NOT NULL,
                uri TEXT NOT NULL,
                size_bytes {bigint} NOT NULL,
                sha256 TEXT NOT NULL,
                logged_at {timestamp} NOT NULL,
                PRIMARY KEY (run_id, path)
            );
            CREATE TABLE registered_models (
                id {id},
                name TEXT NOT NULL UNIQUE,
                description TEXT,
                created_at {timestamp} NOT NULL,
                updated_at {timestamp} NOT NULL
            );
            CREATE TABLE model_tags (
                model_id {bigint} NOT NULL REFERENCES registered_models (id),
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_id, key)
            );
            CREATE TABLE model_versions (
                id {id},
                model_id {bigint} NOT NULL REFERENCES registered_models (id),
                version INTEGER NOT NULL CHECK (version > 0),
                run_id TEXT REFERENCES runs (id),
                artifact_uri TEXT NOT NULL,
                signature TEXT,
                status TEXT NOT NULL CHECK (status IN ('READY', 'ARCHIVED')),
                description TEXT,
                created_at {timestamp} NOT NULL,
                UNIQUE (model_id, version)
            );
            CREATE INDEX model_versions_by_run ON model_versions (run_id);
            CREATE TABLE model_version_tags (
                version_id {bigint} NOT NULL REFERENCES model_versions (id),
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (version_id, key)
            );
            CREATE TABLE model_aliases (
                model_id {bigint} NOT NULL REFERENCES registered_models (id),
                alias TEXT NOT NULL,
                version INTEGER NOT NULL,
                updated_at {timestamp} NOT NULL,
                PRIMARY KEY (model_id, alias),
                FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version)
            );
            CREATE TABLE model_alias_history (
                id {id},
                model_id {bigint} NOT NULL REFERENCES registered_models (id),
                alias TEXT NOT NULL,
                from_version INTEGER,
                to_version INTEGER,
                actor TEXT NOT NULL,
                reason TEXT,
                changed_at {timestamp} NOT NULL
            );
            CREATE INDEX model_alias_history_by_model ON model_alias_history (model_id, alias, id);
            """),
        new(2, "model groups, audit, api tokens", """
            CREATE TABLE hub_revision (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                revision {bigint} NOT NULL
            );
            INSERT INTO hub_revision (id, revision) VALUES (1, 0);
            CREATE TABLE model_groups (
                id {id},
                name TEXT NOT NULL UNIQUE,
                table_name TEXT NOT NULL UNIQUE,
                deletion_policy TEXT NOT NULL CHECK (deletion_policy IN ('archive', 'delete')),
                description TEXT,
                created_at {timestamp} NOT NULL,
                updated_at {timestamp} NOT NULL,
                revision {bigint} NOT NULL
            );
            CREATE TABLE model_group_members (
                group_id {bigint} NOT NULL REFERENCES model_groups (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                model TEXT NOT NULL,
                version INTEGER NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('champion', 'challenger', 'shadow')),
                weight INTEGER NOT NULL,
                PRIMARY KEY (group_id, position)
            );
            CREATE TABLE model_group_audit (
                id {id},
                group_name TEXT NOT NULL,
                action TEXT NOT NULL,
                actor TEXT NOT NULL,
                detail TEXT NOT NULL,
                at {timestamp} NOT NULL
            );
            CREATE INDEX model_group_audit_by_group ON model_group_audit (group_name, id);
            CREATE TABLE api_tokens (
                id {id},
                name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('admin', 'scientist', 'predictor', 'viewer')),
                token_hash TEXT NOT NULL UNIQUE,
                created_at {timestamp} NOT NULL
            );
            """),
        new(3, "api token expiry, revocation and last use", """
            ALTER TABLE api_tokens ADD COLUMN expires_at {timestamp};
            ALTER TABLE api_tokens ADD COLUMN revoked_at {timestamp};
            ALTER TABLE api_tokens ADD COLUMN last_used_at {timestamp};
            """),
        new(4, "inference label history", """
            CREATE TABLE inference_label_history (
                id {id},
                group_name TEXT NOT NULL,
                request_id TEXT NOT NULL,
                record_index INTEGER NOT NULL,
                old_label {real},
                new_label {real} NOT NULL,
                actor TEXT NOT NULL,
                changed_at {timestamp} NOT NULL
            );
            CREATE INDEX inference_label_history_by_request ON inference_label_history (group_name, request_id, record_index, id);
            """),
        new(5, "run errors", """
            ALTER TABLE runs ADD COLUMN error_kind TEXT;
            ALTER TABLE runs ADD COLUMN error_message TEXT;
            """),
        new(6, "artifacts in the database", """
            CREATE TABLE artifact_blobs (
                sha256 TEXT PRIMARY KEY,
                size_bytes {bigint} NOT NULL,
                content {blob} NOT NULL,
                created_at {timestamp} NOT NULL
            );
            """),
        new(7, "connectors to LLM providers", """
            CREATE TABLE connectors (
                name TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('openai', 'anthropic', 'gemini', 'openai-compatible')),
                model TEXT NOT NULL,
                base_url TEXT,
                timeout_ms {bigint},
                key_id TEXT,
                key_sealed TEXT,
                key_hint TEXT,
                key_set_at {timestamp},
                created_at {timestamp} NOT NULL,
                created_by TEXT NOT NULL,
                updated_at {timestamp} NOT NULL
            );
            """),
        new(8, "the job queue", """
            CREATE TABLE jobs (
                id {id},
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                config TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
                percent {real} NOT NULL,
                message TEXT,
                attempts INTEGER NOT NULL,
                max_attempts INTEGER NOT NULL,
                worker TEXT,
                lease_expires_at {timestamp},
                cancel_requested INTEGER NOT NULL,
                run_id TEXT,
                result TEXT,
                error_kind TEXT,
                error TEXT,
                submitted_by TEXT NOT NULL,
                submitted_at {timestamp} NOT NULL,
                started_at {timestamp},
                finished_at {timestamp}
            );
            CREATE INDEX jobs_by_status ON jobs (status, id);
            CREATE TABLE job_log (
                id {id},
                job_id {bigint} NOT NULL REFERENCES jobs (id),
                at {timestamp} NOT NULL,
                attempt INTEGER NOT NULL,
                level TEXT NOT NULL,
                message TEXT NOT NULL
            );
            CREATE INDEX job_log_by_job ON job_log (job_id, id);
            """),
        new(9, "inference statistics per time cell, group guardrails", """
            CREATE TABLE inference_statistics (
                group_name TEXT NOT NULL,
                width_s INTEGER NOT NULL CHECK (width_s IN (60, 3600, 86400)),
                start_us {bigint} NOT NULL,
                model TEXT NOT NULL,
                version INTEGER NOT NULL,
                role TEXT NOT NULL,
                statistics {blob} NOT NULL,
                PRIMARY KEY (group_name, width_s, start_us, model, version, role)
            );
            ALTER TABLE model_groups ADD COLUMN guardrails TEXT;
            CREATE TABLE inference_statistics_backfill (
                group_name TEXT PRIMARY KEY,
                done_through_id {bigint} NOT NULL,
                last_id {bigint} NOT NULL
            );
            """,
            StatisticsBackfill.PlanAsync),
        new(10, "inference statistics folded from a watermark", """
            ALTER TABLE model_groups ADD COLUMN statistics_through_id {bigint} NOT NULL DEFAULT 0;
            """,
            StatisticsWatermark.PlanAsync),
        new(11, "hub session keys shared by every hub", """
            CREATE TABLE hub_session_keys (
                id {id},
                name TEXT NOT NULL UNIQUE,
                key_id TEXT NOT NULL,
                xml_sealed TEXT NOT NULL,
                created_at {timestamp} NOT NULL
            );
            """),
    ];

    /// <summary>The version of the newest migration this build knows.</summary>
    public static int Latest => All[^1].Version;
}
