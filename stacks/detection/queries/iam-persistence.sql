-- Users, access keys, console passwords and policy attachments created by one principal. Replace the ARN.
SELECT from_iso8601_timestamp(eventtime) AS event_time,
       account,
       eventname,
       errorcode,
       json_extract_scalar(requestparameters, '$.userName') AS target_user,
       json_extract_scalar(requestparameters, '$.roleName') AS target_role,
       json_extract_scalar(requestparameters, '$.policyArn') AS policy_arn,
       sourceipaddress,
       useragent
FROM cloudtrail
WHERE eventsource = 'iam.amazonaws.com'
  AND (eventname IN ('CreateUser', 'CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile', 'PutUserPolicy', 'PutRolePolicy')
       OR eventname LIKE 'Attach%Policy')
  AND useridentity.arn = 'arn:aws:iam::111122223333:user/suspect'
  AND log_date >= date_format(current_date - INTERVAL '90' DAY, '%Y/%m/%d')
ORDER BY event_time
