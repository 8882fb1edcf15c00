-- Instance user data replaced in the last 30 days: a stopped instance restarts with the attacker's script.
SELECT from_iso8601_timestamp(eventtime) AS event_time,
       account,
       awsregion,
       json_extract_scalar(requestparameters, '$.instanceId') AS instance_id,
       useridentity.arn AS principal_arn,
       sourceipaddress,
       errorcode
FROM cloudtrail
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'ModifyInstanceAttribute'
  AND json_extract(requestparameters, '$.userData') IS NOT NULL
  AND log_date >= date_format(current_date - INTERVAL '30' DAY, '%Y/%m/%d')
ORDER BY event_time DESC
