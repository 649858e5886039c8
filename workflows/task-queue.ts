// The single task queue every workflow and activity of the service runs on.
export const TASK_QUEUE = 'aidants-connect';
