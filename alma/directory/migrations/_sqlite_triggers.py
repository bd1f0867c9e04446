"""SQLite: the triggers that keep the full-text tables in step with the index tables (as made by
0002_search_indexes and 0004_directory_sample), to be made again after a table is rebuilt."""

TEXT = "directory_directorytext"
SAMPLE = "directory_directorysample"
# As created by 0002_search_indexes and 0004_directory_sample.
STATEMENTS = [
    f"""CREATE TRIGGER directory_fts_insert AFTER INSERT ON {TEXT} BEGIN
        INSERT INTO directory_fts(rowid, names, text1, text2, text3)
        VALUES (new.person_id, new.names, new.text1, new.text2, new.text3); END""",
    f"""CREATE TRIGGER directory_fts_delete AFTER DELETE ON {TEXT} BEGIN
        INSERT INTO directory_fts(directory_fts, rowid, names, text1, text2, text3)
        VALUES ('delete', old.person_id, old.names, old.text1, old.text2, old.text3); END""",
    f"""CREATE TRIGGER directory_fts_update AFTER UPDATE ON {TEXT} BEGIN
        INSERT INTO directory_fts(directory_fts, rowid, names, text1, text2, text3)
        VALUES ('delete', old.person_id, old.names, old.text1, old.text2, old.text3);
        INSERT INTO directory_fts(rowid, names, text1, text2, text3)
        VALUES (new.person_id, new.names, new.text1, new.text2, new.text3); END""",
    f"""CREATE TRIGGER directory_sample_fts_insert AFTER INSERT ON {SAMPLE} BEGIN
        INSERT INTO directory_sample_fts(rowid, words1, words2, words3)
        VALUES (new.person_id, new.words1, new.words2, new.words3); END""",
    f"""CREATE TRIGGER directory_sample_fts_delete AFTER DELETE ON {SAMPLE} BEGIN
        INSERT INTO directory_sample_fts(directory_sample_fts, rowid, words1, words2, words3)
        VALUES ('delete', old.person_id, old.words1, old.words2, old.words3); END""",
    f"""CREATE TRIGGER directory_sample_fts_update AFTER UPDATE ON {SAMPLE} BEGIN
        INSERT INTO directory_sample_fts(directory_sample_fts, rowid, words1, words2, words3)
        VALUES ('delete', old.person_id, old.words1, old.words2, old.words3);
        INSERT INTO directory_sample_fts(rowid, words1, words2, words3)
        VALUES (new.person_id, new.words1, new.words2, new.words3); END""",
]
