-- Attempts to blind detection: trails stopped or changed, GuardDuty removed, flow logs or recorders deleted.
SELECT from_iso8601_timestamp(eventtime) AS event_time,
       account,
       awsregion,
       eventsource,
       eventname,
       useridentity.arn AS principal_arn,
       sourceipaddress,
       errorcode,
       requestparameters
FROM cloudtrail
WHERE eventname IN ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors',
                    'DeleteDetector', 'UpdateDetector', 'DisassociateFromAdministratorAccount', 'DeletePublishingDestination',
                    'DeleteFlowLogs', 'StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel')
  AND log_date >= date_format(current_date - INTERVAL '30' DAY, '%Y/%m/%d')
ORDER BY event_time DESC
