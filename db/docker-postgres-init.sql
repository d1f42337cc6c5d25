-- Runs once, when the postgres service starts on an empty data volume (docker-entrypoint-initdb.d).
-- POSTGRES_DB creates Rounds' database; Temporal keeps its workflow state and its visibility
-- records in two databases of its own, which the temporal service migrates on start.
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
