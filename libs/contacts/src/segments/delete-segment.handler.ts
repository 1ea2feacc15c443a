import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Segment, SegmentCatalog } from './segment-catalog.repository.js';

/** Deletes a segment: searches on its segment_id match nobody from then on, and its tags may be deleted again. */
export class DeleteSegmentCommand extends Command<Segment> {
  constructor(
    readonly workspaceId: string,
    readonly id: string,
  ) {
    super();
  }
}

@CommandHandler(DeleteSegmentCommand)
export class DeleteSegmentHandler implements ICommandHandler<DeleteSegmentCommand, Segment> {
  constructor(private readonly segments: SegmentCatalog) {}

  execute({ workspaceId, id }: DeleteSegmentCommand): Promise<Segment> {
    return this.segments.remove(workspaceId, id);
  }
}
