/**
 * One figure against its limit in a `dl`: its name, a meter (none without a limit) and the figures
 * in words beside it, so the meter's fill is never all that tells it.
 */
export function MeterFigure(props: {
  id: string;
  label: string;
  used: number;
  limit: number | null;
  text: string;
  /** The meter's regions as fractions of the limit, as `<meter>` has them (`high` alone: the top is bad). */
  regions: { low?: number; high: number; optimum?: number };
}) {
  const { id, label, used, limit, text, regions } = props;
  const at = (fraction: number | undefined) =>
    fraction === undefined || limit === null ? undefined : fraction * limit;
  return (
    <>
      <dt id={`${id}-label`}>{label}</dt>
      <dd>
        {limit !== null && (
          <meter
            aria-labelledby={`${id}-label`}
            aria-describedby={`${id}-text`}
            min={0}
            max={limit}
            value={Math.min(used, limit)}
            low={at(regions.low)}
            high={at(regions.high)}
            optimum={at(regions.optimum)}
          />
        )}
        <span id={`${id}-text`} data-testid={`${id}-text`}>
          {text}
        </span>
      </dd>
    </>
  );
}
