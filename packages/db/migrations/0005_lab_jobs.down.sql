DROP TABLE lab_jobs;
