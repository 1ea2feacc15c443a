import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { LIMITS, noteStoredBytes } from '@app/intercom';
import { IsAdminId, Nullable, Optional } from '@app/intercom/http';
import { noteHtml } from './note-html.js';

// Checked on the body as stored: escaping to HTML grows a text up to 6x ('"' is '&quot;'), so the
// limit on the input alone would let 384 KiB into an event.
export const MAX_NOTE_BYTES = LIMITS.noteBytes;
export const MAX_NOTES_PER_PAGE = 150;

/** POST /contacts/{id}/notes. The SDK sends admin_id as a string; Intercom's own examples send a number. */
export class CreateNoteRequest {
  @ApiProperty({ example: 'New note', description: 'Text or HTML, at most 64 KiB as stored (after HTML escaping)' })
  @IsString({ message: 'body must be a string' })
  @ValidateBy({
    name: 'noteBody',
    validator: { validate: (value: unknown) => typeof value === 'string' && value.trim() !== '' && noteStoredBytes(noteHtml(value)) <= MAX_NOTE_BYTES },
  }, { message: `body must be a non-empty string of at most ${MAX_NOTE_BYTES} bytes once escaped to HTML` })
  body: string;

  @ApiPropertyOptional({ example: '123', description: "The author's admin id; defaults to the token's admin" })
  @Nullable()
  @IsAdminId()
  admin_id?: string | number | null;
}

const pageMessage = { message: 'page must be a positive integer' };
const perPageMessage = { message: `per_page must be an integer between 1 and ${MAX_NOTES_PER_PAGE}` };

/** GET /contacts/{id}/notes: numbered pages. */
export class ListNotesRequest {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @Optional() @Type(() => Number) @IsInt(pageMessage) @Min(1, pageMessage) @Max(1_000_000, pageMessage)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_NOTES_PER_PAGE, default: 50 })
  @Optional() @Type(() => Number) @IsInt(perPageMessage) @Min(1, perPageMessage) @Max(MAX_NOTES_PER_PAGE, perPageMessage)
  per_page?: number;

  @ApiPropertyOptional({ description: 'pages.next.starting_after of the previous page; wins over page' })
  @Optional() @IsString({ message: 'starting_after must be a cursor' }) @MaxLength(64, { message: 'starting_after must be a cursor' })
  starting_after?: string;
}
