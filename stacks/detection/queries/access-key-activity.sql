-- Everything one access key did in the last 30 days, newest first. Replace AKIAEXAMPLEKEY000000.
SELECT from_iso8601_timestamp(eventtime) AS event_time,
       account,
       awsregion,
       eventsource,
       eventname,
       errorcode,
       sourceipaddress,
       useragent,
       useridentity.arn AS principal_arn,
       requestparameters
FROM cloudtrail
WHERE useridentity.accesskeyid = 'AKIAEXAMPLEKEY000000'
  AND log_date >= date_format(current_date - INTERVAL '30' DAY, '%Y/%m/%d')
ORDER BY event_time DESC
LIMIT 1000
