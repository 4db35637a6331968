DROP INDEX fills_signal_idx;
DROP TABLE refused_alerts;
