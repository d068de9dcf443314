// amazon.aws.cloudwatchlogs_log_group_metric_filter, as amazon.aws 5.5.1 behaves: one DescribeMetricFilters by
// the filter's name as a prefix (a filter counts as existing only when exactly one filter matches), then
// PutMetricFilter when the pattern or the transformation differs, or DeleteMetricFilter. The module catches no
// AWS error: one ends the task as a module crash, as it does in Ansible.
import type { MetricTransformation } from '@aws-sdk/client-cloudwatch-logs';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { camelDictToSnakeDict } from '../src/aws/errors.js';
import { isDict, pyRepr, pyStr } from '../src/python/python.js';
import { AWS_COMMON_OPTIONS, awsClient, awsCommands, botocoreCrash, runAwsModule } from './aws_common.js';

const NAME = 'amazon.aws.cloudwatchlogs_log_group_metric_filter';
const TRANSFORMATION_KEYS = ['default_value', 'metric_name', 'metric_namespace', 'metric_value'] as const;
type Transformation = Record<(typeof TRANSFORMATION_KEYS)[number], unknown>;

/** metric_transformation's suboptions, as ansible-core validates a dict option's `options`: unknown keys
 * refused, absent ones None, metric_* text, default_value a float. */
function transformationOf(given: unknown): Transformation | string {
  if (!isDict(given)) return { default_value: null, metric_name: null, metric_namespace: null, metric_value: null };
  const unknown = Object.keys(given).filter((k) => !(TRANSFORMATION_KEYS as readonly string[]).includes(k));
  if (unknown.length)
    return `Unsupported parameters for (${NAME}) module: metric_transformation.${unknown.sort().join(', metric_transformation.')}. Supported parameters include: ${TRANSFORMATION_KEYS.join(', ')}.`;
  const out = {} as Transformation;
  for (const k of TRANSFORMATION_KEYS) {
    const v = given[k] ?? null;
    if (v === null || k !== 'default_value') out[k] = v === null || typeof v === 'string' ? v : pyStr(v);
    else if (typeof v === 'boolean' || Number.isNaN(Number(v)) || (typeof v === 'string' && v.trim() === ''))
      return `argument 'default_value' is of type <class '${typeof v === 'string' ? 'str' : 'bool'}'> found in 'metric_transformation'. and we were unable to convert to float: could not convert string to float: ${pyRepr(v)}`;
    else out[k] = Number(v);
  }
  return out;
}

export default defineModule({
  names: [
    'cloudwatchlogs_log_group_metric_filter',
    'amazon.aws.cloudwatchlogs_log_group_metric_filter',
    'community.aws.cloudwatchlogs_log_group_metric_filter',
  ],
  fqcn: NAME,
  argumentSpec: {
    state: { type: 'str', required: true, choices: ['present', 'absent'] },
    log_group_name: { type: 'str', required: true },
    filter_name: { type: 'str', required: true },
    filter_pattern: { type: 'str' },
    metric_transformation: { type: 'dict' },
    ...AWS_COMMON_OPTIONS,
  },
  supportsCheckMode: true,
  groups: ['amazon.aws.aws', 'community.aws.aws'],
  run(args, ctx) {
    // required_if: (state, present, [metric_transformation, filter_pattern]), checked with the arguments
    const missing = ['metric_transformation', 'filter_pattern'].filter((k) => args[k] === null);
    if (args.state === 'present' && missing.length)
      return {
        failed: true,
        changed: false,
        msg: `state is present but all of the following are missing: ${missing.join(', ')}`,
      };
    const transformation = transformationOf(args.metric_transformation);
    if (typeof transformation === 'string') return { failed: true, changed: false, msg: transformation };
    return runAwsModule(args, ctx, () => ensureFilter(args, transformation, ctx));
  },
});

/** The request's transformation (defaultValue only when it is a number) and whether it differs from AWS's. */
function wanted(t: Transformation, origin: MetricTransformation | undefined): [Record<string, unknown>, boolean] {
  const request: Record<string, unknown> = {
    metricName: t.metric_name,
    metricNamespace: t.metric_namespace,
    metricValue: t.metric_value,
    ...(t.default_value !== null ? { defaultValue: t.default_value } : {}),
  };
  if (!origin) return [request, true];
  const current = camelDictToSnakeDict(origin) as Record<string, unknown>;
  const differs = TRANSFORMATION_KEYS.some((k) => !sameValue(t[k], current[k] ?? null));
  return [request, differs];
}

/** Python's == between the module's value and botocore's (a float against an int or a float). */
const sameValue = (a: unknown, b: unknown) =>
  a === null || b === null || typeof a === 'string' || typeof b === 'string' ? a === b : Number(a) === Number(b);

async function ensureFilter(args: Record<string, any>, t: Transformation, ctx: ModuleContext): Promise<TaskResult> {
  const { DeleteMetricFilterCommand, DescribeMetricFiltersCommand, PutMetricFilterCommand } = await awsCommands(
    ctx,
    'logs',
  );
  const logs = await awsClient(ctx, 'logs', args);
  const { log_group_name: logGroupName, filter_name: filterName, filter_pattern: filterPattern } = args;
  // botocore's client-side check of the members' minimum lengths, before any request
  const empty = Object.entries({ logGroupName, filterNamePrefix: filterName }).filter(([, v]) => v === '');
  if (empty.length)
    botocoreCrash('DescribeMetricFilters')({
      name: 'ParamValidationError',
      message: `Parameter validation failed:\n${empty.map(([k]) => `Invalid length for parameter ${k}, value: 0, valid min length: 1`).join('\n')}`,
    });
  const found = await logs
    .send(new DescribeMetricFiltersCommand({ logGroupName, filterNamePrefix: filterName }))
    .catch(botocoreCrash('DescribeMetricFilters'));
  const only = found.metricFilters?.length === 1 ? found.metricFilters[0] : undefined;
  const origin = only?.metricTransformations?.[0];
  if (args.state === 'absent') {
    if (!origin) return { changed: false, metric_filters: null };
    if (!ctx.checkMode)
      await logs
        .send(new DeleteMetricFilterCommand({ logGroupName, filterName }))
        .catch(botocoreCrash('DeleteMetricFilter'));
    return { changed: true, metric_filters: [snake(origin)] };
  }
  const [request, differs] = wanted(t, origin);
  const changed = differs || filterPattern !== (only?.filterPattern ?? null);
  if (changed && !ctx.checkMode) {
    const invalid = ['metricName', 'metricNamespace', 'metricValue'].filter((k) => typeof request[k] !== 'string');
    if (invalid.length)
      throw botocoreCrash('PutMetricFilter')({
        name: 'ParamValidationError',
        message: `Parameter validation failed:\n${invalid.map((k) => `Invalid type for parameter metricTransformations[0].${k}, value: None, type: <class 'NoneType'>, valid types: <class 'str'>`).join('\n')}`,
      });
    await logs
      .send(
        new PutMetricFilterCommand({
          logGroupName,
          filterName,
          filterPattern,
          metricTransformations: [request as unknown as MetricTransformation],
        }),
      )
      .catch(botocoreCrash('PutMetricFilter'));
  }
  return { changed, metric_filters: [snake(request)] };
}

/** A transformation in the result: snake_case keys. */
const snake = (t: object) => camelDictToSnakeDict(t) as Record<string, unknown>;
