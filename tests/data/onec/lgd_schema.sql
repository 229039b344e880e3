-- The 1Cv8.lgd schema (ONEC_FORMATS.md §1.3, verbatim column list) with a few dictionary rows:
-- names of applications, events, computers and servers carry their quotes, as the platform writes them.
CREATE TABLE EventLog (rowID INTEGER PRIMARY KEY AUTOINCREMENT, severity INTEGER, date INTEGER,
  connectID INTEGER, session INTEGER, transactionStatus INTEGER, transactionDate INTEGER, transactionID INTEGER,
  userCode INTEGER, computerCode INTEGER, appCode INTEGER, eventCode INTEGER, comment TEXT, metadataCodes TEXT,
  sessionDataSplitCode INTEGER, dataType INTEGER, data TEXT, dataPresentation TEXT, workServerCode INTEGER,
  primaryPortCode INTEGER, secondaryPortCode INTEGER);
CREATE TABLE EventLogMetadata (eventLogID INTEGER, metadataCode INTEGER);
CREATE TABLE UserCodes (code INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, uuid TEXT);
CREATE TABLE ComputerCodes (code INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
CREATE TABLE AppCodes (code INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
CREATE TABLE EventCodes (code INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
CREATE TABLE MetadataCodes (code INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, uuid TEXT);
CREATE TABLE WorkServerCodes (code INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
CREATE TABLE PrimaryPortCodes (code INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
CREATE TABLE SecondaryPortCodes (code INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
INSERT INTO UserCodes VALUES (1, 'Петрова А.С.', '9a1f3c52-7d2e-4b8a-9c01-5e6f7a8b9c0d');
INSERT INTO ComputerCodes VALUES (1, '"SALES-02"');
INSERT INTO AppCodes VALUES (1, '"1CV8C"');
INSERT INTO EventCodes VALUES (2, '"_$Transaction$_.Begin"'), (3, '"_$Data$_.New"'), (4, '"_$Transaction$_.Rollback"');
INSERT INTO MetadataCodes VALUES (1, 'Документ.ЗаказКлиента', '1d8b0c2a-0000-4000-8000-000000000001');
INSERT INTO WorkServerCodes VALUES (1, '"SRV-1C"');
INSERT INTO PrimaryPortCodes VALUES (1, '1560');
INSERT INTO SecondaryPortCodes VALUES (1, '1561');
