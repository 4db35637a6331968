DROP TABLE paper_venue_state;
