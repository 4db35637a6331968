DROP INDEX signals_pending_idx;
DROP INDEX orders_account_client_order_idx;
DROP TABLE account_leases;
