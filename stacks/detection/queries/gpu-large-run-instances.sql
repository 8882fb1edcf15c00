-- RunInstances of GPU, accelerator, bare-metal or very large instance types in the last 30 days, denied or not.
SELECT from_iso8601_timestamp(eventtime) AS event_time,
       account,
       awsregion,
       useridentity.arn AS principal_arn,
       json_extract_scalar(requestparameters, '$.instanceType') AS instance_type,
       CAST(json_extract_scalar(requestparameters, '$.instancesSet.items[0].maxCount') AS integer) AS max_count,
       errorcode,
       sourceipaddress
FROM cloudtrail
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'RunInstances'
  AND regexp_like(
        json_extract_scalar(requestparameters, '$.instanceType'),
        '^(p|g|inf|trn|dl|f|vt)[0-9]|^(u-|x2|x8|hpc)|\.metal|\.(12|16|18|24|32|48|56|96|112|192|224)xlarge$')
  AND log_date >= date_format(current_date - INTERVAL '30' DAY, '%Y/%m/%d')
ORDER BY event_time DESC
