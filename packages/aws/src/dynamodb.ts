import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AwsEnv, clientConfig } from './config.ts';

/** The DynamoDB client the store is built on (dynalite locally, through DYNAMODB_ENDPOINT). */
export const dynamoDbClient = (env: AwsEnv) => new DynamoDBClient(clientConfig(env, env.DYNAMODB_ENDPOINT));
