-- Service quota increase requests (miners ask for more vCPUs) in the last 90 days.
SELECT from_iso8601_timestamp(eventtime) AS event_time,
       account,
       awsregion,
       json_extract_scalar(requestparameters, '$.serviceCode') AS service_code,
       json_extract_scalar(requestparameters, '$.quotaCode') AS quota_code,
       json_extract_scalar(requestparameters, '$.desiredValue') AS desired_value,
       useridentity.arn AS principal_arn,
       sourceipaddress,
       errorcode
FROM cloudtrail
WHERE eventsource = 'servicequotas.amazonaws.com'
  AND eventname = 'RequestServiceQuotaIncrease'
  AND log_date >= date_format(current_date - INTERVAL '90' DAY, '%Y/%m/%d')
ORDER BY event_time DESC
