// The thresholds are a station setting, so their schema lives in src/shared (the settings form
// validates with it too); the quality code keeps importing them from here.
export * from '../../../../shared/quality-thresholds.ts';
