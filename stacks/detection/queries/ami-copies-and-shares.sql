-- AMIs copied, imported or shared with other accounts in the last 30 days.
SELECT from_iso8601_timestamp(eventtime) AS event_time,
       account,
       awsregion,
       eventname,
       coalesce(json_extract_scalar(requestparameters, '$.imageId'), json_extract_scalar(requestparameters, '$.sourceImageId')) AS image_id,
       json_extract_scalar(requestparameters, '$.sourceRegion') AS source_region,
       json_format(json_extract(requestparameters, '$.launchPermission')) AS launch_permission,
       useridentity.arn AS principal_arn,
       errorcode
FROM cloudtrail
WHERE eventsource = 'ec2.amazonaws.com'
  AND (eventname IN ('CopyImage', 'ImportImage', 'RegisterImage')
       OR (eventname = 'ModifyImageAttribute' AND json_extract(requestparameters, '$.launchPermission') IS NOT NULL))
  AND log_date >= date_format(current_date - INTERVAL '30' DAY, '%Y/%m/%d')
ORDER BY event_time DESC
