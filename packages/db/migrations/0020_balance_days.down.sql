DROP TABLE balance_days;
