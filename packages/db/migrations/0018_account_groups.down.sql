DROP TABLE account_group_members;
DROP TABLE account_groups;
DROP INDEX IF EXISTS api_keys_id_user_idx;
