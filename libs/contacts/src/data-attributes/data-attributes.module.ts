import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { CreateDataAttributeHandler } from './create-data-attribute.handler.js';
import { DataAttributeCatalog } from './data-attribute-catalog.repository.js';
import { DataAttributesController } from './data-attributes.controller.js';
import { ListDataAttributesHandler } from './list-data-attributes.handler.js';
import { UpdateDataAttributeHandler } from './update-data-attribute.handler.js';

/** The data attribute catalog: which custom attributes contacts may carry, and of which type. */
@Module({
  imports: [CqrsModule, ContactStoreModule],
  controllers: [DataAttributesController],
  providers: [DataAttributeCatalog, CreateDataAttributeHandler, UpdateDataAttributeHandler, ListDataAttributesHandler],
})
export class DataAttributesModule {}
