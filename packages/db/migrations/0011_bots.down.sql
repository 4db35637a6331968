DROP TABLE bot_decisions;
DROP TABLE bot_leases;
DROP TABLE bots;
