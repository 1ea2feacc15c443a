import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { RequestPipe } from './request-pipe.js';

class PageQuery {
  @IsOptional() @Type(() => Number) @IsInt()
  per_page?: number;

  @IsOptional() @IsIn(['asc', 'desc'])
  order = 'desc';
}

class NeedsQuery {
  @IsString()
  q!: string;
}

const query = (metatype: new () => object) => ({ type: 'query' as const, metatype, data: undefined });
const emptyQuery = () => Object.create(null) as object;

describe('RequestPipe on a query string with no parameter', () => {
  it('answers what the full pipeline answers, every time, as a fresh instance', async () => {
    const pipe = new RequestPipe();
    const first = await pipe.transform(emptyQuery(), query(PageQuery));
    const second = await pipe.transform(emptyQuery(), query(PageQuery));
    expect(first).toBeInstanceOf(PageQuery);
    expect(second).toBeInstanceOf(PageQuery);
    expect({ ...second }).toEqual({ ...first });
    expect(second).toMatchObject({ order: 'desc' });
    expect(second).not.toBe(first);
  });

  it('still validates a query that has parameters, after an empty one', async () => {
    const pipe = new RequestPipe();
    await pipe.transform(emptyQuery(), query(PageQuery));
    expect(await pipe.transform({ per_page: '20', extra: 'x' }, query(PageQuery))).toEqual(Object.assign(new PageQuery(), { per_page: 20 }));
    await expect(pipe.transform({ per_page: 'many' }, query(PageQuery))).rejects.toThrow(/per_page/);
  });

  it('refuses an empty query every time when the DTO requires a parameter', async () => {
    const pipe = new RequestPipe();
    for (let i = 0; i < 2; i++) await expect(pipe.transform(emptyQuery(), query(NeedsQuery))).rejects.toThrow(/q must be a string/);
  });
});
