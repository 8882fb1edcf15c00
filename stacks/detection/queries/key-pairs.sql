-- EC2 key pairs created or imported in the last 30 days: attackers bring their own SSH key.
SELECT from_iso8601_timestamp(eventtime) AS event_time,
       account,
       awsregion,
       eventname,
       json_extract_scalar(requestparameters, '$.keyName') AS key_name,
       useridentity.arn AS principal_arn,
       sourceipaddress,
       errorcode
FROM cloudtrail
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname IN ('CreateKeyPair', 'ImportKeyPair')
  AND log_date >= date_format(current_date - INTERVAL '30' DAY, '%Y/%m/%d')
ORDER BY event_time DESC
